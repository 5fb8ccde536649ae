/* The meeting-day flow (docs/meeting-day.md). Everything typed is written to IndexedDB at once,
 * as one "line" per field (attendance, blood pressure, weight, fee, a loan's repayment, topic,
 * culture item) with a UUID made here. Lines are sent to the server on load, on the browser's
 * `online` event, a moment after typing, and every 20 seconds while the page is open; the server
 * answers each line: applied, refused (with its reason) or conflict (with the other value). */
(() => {
  "use strict";
  const root = document.getElementById("md");
  if (!root) return;
  const T = JSON.parse(document.getElementById("md-strings").textContent);
  const CLUB = Number(root.dataset.club);
  const YM = root.dataset.month;
  const PAGE = `${CLUB}|${YM}`;
  const fmt = (s, vars) => s.replace(/%\((\w+)\)s/g, (_, k) => vars[k]);
  const vnd = (n) => `${Number(n).toLocaleString("vi-VN")} ₫`;
  const fold = (s) =>
    s.normalize("NFD").replace(/\p{Mn}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  const uuid = () =>
    crypto.randomUUID
      ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
          (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
        );

  /* ---- IndexedDB: rosters (what the server had), lines (what was typed), meta (the date) ---- */
  let dbPromise;
  function db() {
    dbPromise ??= new Promise((resolve, reject) => {
      const req = indexedDB.open("ishc-meeting-day", 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        d.createObjectStore("rosters");
        d.createObjectStore("meta");
        d.createObjectStore("lines", { keyPath: "key" }).createIndex("page", "page");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return dbPromise;
  }
  async function tx(store, mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction(store, mode);
      const result = fn(t.objectStore(store));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      t.onerror = () => reject(t.error);
    });
  }
  const get = (store, key) => tx(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => tx(store, "readwrite", (s) => s.put(value, key));
  const allLines = () => tx("lines", "readonly", (s) => s.getAll());

  /* ---- State ---- */
  let roster = null; // the server's values, as last downloaded
  const lines = new Map(); // key → line of this page
  let meta = { date: "" };
  let sending = false;
  let unsaved = 0; // writes to IndexedDB not yet complete: the phone does not hold these yet

  const keyOf = (field, target) => `${PAGE}|${field}|${target}`;
  function serverValue(field, member, loan) {
    if (!roster) return null;
    if (field === "topic") return roster.topic;
    if (field === "culture") return roster.culture;
    const m = roster.members.find((x) => x.id === member);
    if (!m) return null;
    if (field === "present") return m.present;
    if (field === "bp") return m.bp;
    if (field === "weight") return m.weight;
    if (field === "fee") return m.fee;
    if (field === "repayment") return (m.loans.find((l) => l.id === loan) || {}).paid || 0;
    return null;
  }
  function current(field, member, loan) {
    const line = lines.get(keyOf(field, loan ?? member ?? "m"));
    return line ? line.value : serverValue(field, member, loan);
  }

  /* Record what was typed: a new line, or the same line updated while it has not been sent.
   * While a field is being typed the line is a draft (kept, not sent: "3" of "300.000" must not
   * reach the server); leaving the field, Enter or a complete reading makes it final.
   * The lines change here at once, before anything is awaited, so the screen and the next tap
   * see them; writing them to IndexedDB follows, all of one tap in one transaction. */
  async function setValues(changes) {
    const staged = changes.map(([field, member, loan, value, final]) => stage(field, member, loan, value, final));
    if (!staged.length) return;
    unsaved += 1;
    try {
      await tx("lines", "readwrite", (s) => {
        for (const line of staged) s.put(line);
      });
    } finally {
      unsaved -= 1;
    }
    showState();
    soon();
  }
  const setValue = (field, member, loan, value, final = true) => setValues([[field, member, loan, value, final]]);

  function stage(field, member, loan, value, final) {
    const key = keyOf(field, loan ?? member ?? "m");
    let line = lines.get(key);
    if (!line) {
      line = {
        key,
        page: PAGE,
        club: CLUB,
        ym: YM,
        field,
        member: member ?? null,
        loan: loan ?? null,
        base: serverValue(field, member, loan),
        uuid: uuid(),
        attempted: false,
        replaces: [],
        resolve: "",
      };
    } else if (line.attempted) {
      // Already on its way (or arrived): a new value is a new line, which says it replaces ours.
      line.replaces = [...line.replaces, line.uuid];
      line.uuid = uuid();
      line.attempted = false;
      if (line.state === "conflict") line.base = line.server;
      line.resolve = "";
    }
    line.value = value;
    line.state = final ? "pending" : "draft";
    line.message = "";
    lines.set(key, line);
    return line;
  }

  /* ---- Sending ---- */
  let timer = null;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(syncAll, 1500);
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  /* This page's lines live in `lines` and are only ever changed there (then written through to
   * IndexedDB); lines of other clubs' pages, typed earlier in another tab, are read from IndexedDB.
   * A line being sent is marked `attempted` on that one object and its value copied into the
   * request at the same moment, so a value typed while the request is on its way gets a new uuid
   * (see setValue) and is never marked sent by the answer to the old one. */
  let again = false;
  async function syncAll() {
    if (!navigator.onLine) return showState();
    if (sending) {
      again = true; // typed while a request was on its way: go again as soon as it is answered
      return;
    }
    sending = true;
    try {
      const pages = new Map([[PAGE, [...lines.values()].filter((l) => l.state === "pending")]]);
      for (const l of await allLines())
        if (l.page !== PAGE && l.state === "pending") pages.set(l.page, [...(pages.get(l.page) || []), l]);
      for (const [page, batch] of pages) if (batch.length) await sendPage(page, batch);
      if (pages.get(PAGE).length || !roster) await loadRoster();
    } catch (e) {
      // The network went away mid-way: the lines stay pending and go at the next try.
    } finally {
      sending = false;
      render();
      if (again) {
        again = false;
        soon();
      }
    }
  }
  async function sendPage(page, batch) {
    const [club, ym] = page.split("|");
    const [y, m] = ym.split("-").map(Number);
    const pageMeta = (await get("meta", page)) || {};
    const rosterCopy = await get("rosters", page);
    const date = pageMeta.date || (rosterCopy && rosterCopy.date);
    if (!date) return;
    const sent = batch.filter((l) => l.state === "pending");
    const body = JSON.stringify({
      date,
      lines: sent.map((l) => {
        l.attempted = true;
        return {
          uuid: l.uuid,
          field: l.field,
          member: l.member,
          loan: l.loan,
          value: l.value,
          base: l.base,
          replaces: l.replaces,
          resolve: l.resolve,
        };
      }),
    });
    const asked = new Map(sent.map((l) => [l.key, l.uuid]));
    await Promise.all(sent.map((l) => put("lines", l)));
    const url = page === PAGE ? root.dataset.syncUrl : `/api/v1/meeting-day/clubs/${club}/${y}/${m}/sync`;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body,
    });
    if (!response.ok) return;
    const result = await response.json();
    if (page === PAGE) {
      meta.error = result.error;
      if (result.error && result.meeting_date) meta.serverDate = result.meeting_date;
      await put("meta", meta, PAGE);
    }
    const answers = new Map(result.answers.map((a) => [a.uuid, a]));
    for (const l of sent) {
      // Edited again while this was on its way: the new value (new uuid) goes next time.
      if (l.uuid !== asked.get(l.key)) continue;
      const a = answers.get(l.uuid);
      if (!a) continue;
      if (a.status === "applied") {
        l.state = "sent";
        l.base = l.value;
        l.message = "";
      } else if (a.status === "conflict") {
        l.state = "conflict";
        l.server = a.server;
        l.message = a.message;
      } else if (result.error) {
        l.state = "pending"; // the date is wrong: fixing it sends the same lines again
        l.attempted = false;
      } else {
        l.state = "refused";
        l.message = a.message;
      }
      await put("lines", l);
    }
  }

  async function loadRoster() {
    const date = meta.date ? `?date=${meta.date}` : "";
    try {
      const r = await fetch(root.dataset.rosterUrl + date, { credentials: "same-origin" });
      if (r.ok) {
        roster = await r.json();
        await put("rosters", roster, PAGE);
        return;
      }
    } catch (e) {
      // Offline: fall back to the copy kept on the phone.
    }
    roster ??= await get("rosters", PAGE);
  }

  /* ---- Drawing ---- */
  const health = document.getElementById("md-health");
  const money = document.getElementById("md-money");
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-") || k === "inputmode" || k === "enterkeyhint")
        e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };
  function lineState(field, target) {
    return lines.get(keyOf(field, target));
  }
  function problemOf(line) {
    return line && (line.state === "refused" || line.state === "conflict") ? line : null;
  }

  function choice(line, shown) {
    const box = el("div", { class: "md-choice" });
    const server = line.server;
    box.append(
      el("button", {
        type: "button",
        class: "btn btn-outline-secondary btn-sm",
        textContent: fmt(T.keepServer, { v: shown(server) }),
        onclick: () => keepServer(line),
      }),
      el("button", {
        type: "button",
        class: "btn btn-outline-primary btn-sm",
        textContent: fmt(line.field === "repayment" ? T.addMine : T.keepMine, { v: shown(line.value) }),
        onclick: () => keepMine(line),
      }),
    );
    return box;
  }
  async function keepServer(line) {
    line.value = line.server;
    line.base = line.server;
    line.state = "sent";
    line.message = "";
    await put("lines", line);
    await loadRoster();
    render();
  }
  async function keepMine(line) {
    line.replaces = [...line.replaces, line.uuid];
    line.uuid = uuid();
    line.attempted = false;
    line.resolve = line.field === "repayment" ? "add" : "mine";
    line.state = "pending";
    line.message = "";
    await put("lines", line);
    render();
    soon();
  }
  const shownText = (v) => (v === null || v === "" || v === undefined ? T.nothing : String(v));
  const shownMoney = (v) => (v ? vnd(moneyValue(v)) : T.nothing);
  const shownBool = (v) => (v ? T.present : T.absent);

  function messages(box, pairs) {
    for (const [line, shown] of pairs) {
      if (!problemOf(line)) continue;
      box.append(el("div", { class: "md-msg", textContent: line.message }));
      if (line.state === "conflict") box.append(choice(line, shown));
    }
  }

  function healthRow(m) {
    const bp = current("bp", m.id);
    const wt = current("weight", m.id);
    const measured = Boolean(bp || wt);
    const present = measured || Boolean(current("present", m.id));
    const pairs = [
      [lineState("present", m.id), shownBool],
      [lineState("bp", m.id), shownText],
      [lineState("weight", m.id), shownText],
    ];
    const bad = pairs.some(([l]) => problemOf(l));
    const conflict = pairs.some(([l]) => l && l.state === "conflict");
    const name = el(
      "button",
      {
        type: "button",
        class: "md-name",
        "aria-pressed": String(present),
        title: m.name,
        onclick: () => setValue("present", m.id, null, !present),
      },
      el("span", { class: "md-tick", "aria-hidden": "true", textContent: present ? "✓" : "" }),
      el("span", { class: "md-label", textContent: m.name }),
    );
    const cell = el("td", {}, name);
    messages(cell, pairs);
    const bpInput = el("input", {
      class: "form-control md-bp",
      value: bp || "",
      inputmode: "numeric",
      enterkeyhint: "next",
      autocomplete: "off",
      "aria-label": `${m.name} BP`,
      "data-member": m.id,
    });
    const wtInput = el("input", {
      class: "form-control md-wt",
      value: wt || "",
      inputmode: "decimal",
      enterkeyhint: "next",
      autocomplete: "off",
      "aria-label": `${m.name} kg`,
      "data-member": m.id,
    });
    const row = el(
      "tr",
      {
        class: conflict ? "md-row-conflict" : bad ? "md-row-bad" : "",
        "data-member": m.id,
        "data-name": fold(m.name),
        id: `md-h-${m.id}`,
      },
      cell,
      el("td", {}, bpInput),
      el("td", {}, wtInput),
    );
    return row;
  }

  function moneyValue(text) {
    // "300.000", "300 000", "300,000" → 300000 (Vietnamese thousands dots).
    const digits = String(text).replace(/[.\s,]/g, "");
    return /^\d+$/.test(digits) ? Number(digits) : NaN;
  }
  function pay(label, field, member, loan, due) {
    const value = current(field, member, loan);
    const amount = value ? moneyValue(value) : 0;
    const input = el("input", {
      class: "form-control md-amount",
      value: amount ? amount.toLocaleString("vi-VN") : "",
      inputmode: "numeric",
      autocomplete: "off",
      "aria-label": label,
      "data-field": field,
      "data-member": member,
      "data-loan": loan ?? "",
    });
    const asDue = el("button", {
      type: "button",
      class: `btn ${amount && amount === due ? "btn-success" : "btn-outline-success"} md-as-due`,
      "aria-pressed": String(Boolean(amount && amount === due)),
      "aria-label": `${label}: ${T.asDue}`,
      innerHTML: '<i class="bi bi-check-lg"></i>',
      onclick: () => setValue(field, member, loan, amount === due ? 0 : String(due)),
    });
    return el(
      "div",
      { class: "md-pay" },
      el("div", { class: "md-what" }, label, el("br"), el("small", { class: "text-muted", textContent: fmt(T.due, { amount: vnd(due) }) })),
      asDue,
      input,
    );
  }
  function moneyRow(m) {
    const pairs = [[lineState("fee", m.id), shownMoney], ...m.loans.map((l) => [lineState("repayment", l.id), shownMoney])];
    const bad = pairs.some(([l]) => problemOf(l));
    const conflict = pairs.some(([l]) => l && l.state === "conflict");
    const box = el(
      "div",
      {
        class: `md-money-row${conflict ? " md-row-conflict" : bad ? " md-row-bad" : ""}`,
        "data-member": m.id,
        "data-name": fold(m.name),
        id: `md-m-${m.id}`,
      },
      el("div", { class: "md-mname", textContent: m.name }),
    );
    messages(box, pairs);
    for (const loan of m.loans) box.append(pay(fmt(T.loan, { n: loan.id }), "repayment", m.id, loan.id, loan.due + loan.paid));
    box.append(pay(T.fee, "fee", m.id, null, roster.fee));
    return box;
  }

  function render() {
    showState();
    if (!roster) {
      health.replaceChildren(el("tr", {}, el("td", { colSpan: 3, textContent: T.noRoster })));
      return;
    }
    const focused = document.activeElement;
    const focusKey = focused && focused.dataset ? `${focused.className}|${focused.dataset.member}|${focused.dataset.loan}` : "";
    health.replaceChildren(...roster.members.map(healthRow));
    document.getElementById("md-money-section").hidden = !roster.money;
    if (roster.money) money.replaceChildren(...roster.members.map(moneyRow));
    const date = document.getElementById("md-date");
    date.value = meta.date || roster.date;
    date.max = new Date().toISOString().slice(0, 10);
    const topic = document.getElementById("md-topic");
    if (document.activeElement !== topic) topic.value = current("topic") || "";
    document.getElementById("md-culture").checked = Boolean(current("culture"));
    const batch = document.getElementById("md-batch");
    batch.hidden = !meta.error;
    batch.textContent = meta.error || "";
    problems();
    if (focusKey) {
      const again = [...root.querySelectorAll("input")].find(
        (i) => `${i.className}|${i.dataset.member}|${i.dataset.loan}` === focusKey,
      );
      if (again) {
        again.focus();
        const end = again.value.length;
        if (again.setSelectionRange && again.type !== "number") again.setSelectionRange(end, end);
      }
    }
    measureHead();
  }

  /* The rows that need a person, listed at the top with a button to each: nobody has to scroll
   * through 64 names to find the one the server refused. */
  function problems() {
    const box = document.getElementById("md-problems");
    const bad = [...lines.values()].filter(problemOf);
    box.hidden = bad.length === 0;
    box.replaceChildren();
    for (const line of bad) {
      const m = roster && roster.members.find((x) => x.id === line.member || x.loans.some((l) => l.id === line.loan));
      const target = ["fee", "repayment"].includes(line.field) ? `md-m-${m && m.id}` : `md-h-${m && m.id}`;
      box.append(
        el(
          "div",
          {},
          el("button", {
            type: "button",
            class: "btn btn-link p-0 text-start",
            textContent: `${m ? m.name : ""}: ${line.message}`,
            onclick: () => document.getElementById(target)?.scrollIntoView({ block: "center" }),
          }),
        ),
      );
    }
  }

  function showState() {
    const box = document.getElementById("md-state");
    const mine = [...lines.values()];
    const waiting = mine.filter((l) => l.state === "pending" || l.state === "draft").length;
    const attention = mine.filter(problemOf).length;
    let text, cls;
    if (attention) [text, cls] = [fmt(T.attention, { n: attention }), "md-attention"];
    else if (waiting) [text, cls] = [fmt(T.waiting, { n: waiting }), "md-waiting"];
    else [text, cls] = [T.sent, "md-sent"];
    if (attention && waiting) text += ` · ${fmt(T.waiting, { n: waiting })}`;
    if (!navigator.onLine) text += ` · ${T.offline}`;
    box.textContent = text;
    box.className = `md-state ${cls}`;
    box.setAttribute("role", attention ? "button" : "status");
    box.tabIndex = attention ? 0 : -1;
    box.dataset.waiting = waiting;
    box.dataset.attention = attention;
    box.dataset.saving = unsaved;
  }
  function measureHead() {
    const head = root.querySelector(".md-head");
    root.style.setProperty("--md-head", `${head.offsetHeight}px`);
  }

  /* ---- Typing ---- */
  const isSep = (c) => "/ .,-".includes(c);
  /* Blood pressure from digits alone: a systolic starting with 1 or 2 has three digits, else
   * two; a diastolic starting with 1 has three, else two. So "13085" is 130/85 and is complete. */
  function shapePressure(raw) {
    const text = raw.replace(/[^\d/ .,-]/g, "");
    const sep = [...text].findIndex(isSep);
    let sys, dia;
    if (sep >= 0) {
      sys = text.slice(0, sep).replace(/\D/g, "");
      dia = text.slice(sep + 1).replace(/\D/g, "");
    } else {
      const digits = text.replace(/\D/g, "");
      const len = "12".includes(digits[0]) ? 3 : 2;
      sys = digits.slice(0, len);
      dia = digits.slice(len);
      if (digits.length < len || (digits.length === len && !dia)) return { text: sys, done: false };
    }
    const diaLen = dia[0] === "1" ? 3 : 2;
    return { text: `${sys}/${dia}`, done: dia.length >= diaLen };
  }
  function nextInput(from, selector) {
    const inputs = [...health.querySelectorAll(selector)];
    const i = inputs.indexOf(from);
    return inputs[i + 1];
  }
  /* The value of a field as typed, and whether it is complete. */
  function typed(t, shape) {
    const member = Number(t.dataset.member);
    if (t.classList.contains("md-bp")) {
      const shaped = shape ? shapePressure(t.value) : { text: t.value.trim(), done: false };
      return ["bp", member, null, shaped.text || null, shaped];
    }
    if (t.classList.contains("md-wt")) return ["weight", member, null, t.value.trim().replace(",", ".") || null];
    if (t.classList.contains("md-amount")) {
      const v = t.value.trim();
      return [t.dataset.field, member, t.dataset.loan ? Number(t.dataset.loan) : null, v ? v : 0];
    }
    if (t.id === "md-topic") return ["topic", null, null, t.value];
    return null;
  }
  function commit(t) {
    const what = typed(t, false);
    if (!what) return;
    const [field, member, loan, value] = what;
    const line = lineState(field, loan ?? member ?? "m");
    if ((line && line.state === "draft") || current(field, member, loan) !== value)
      return setValue(field, member, loan, value, true);
  }
  root.addEventListener("input", (e) => {
    const t = e.target;
    const deleting = e.inputType && e.inputType.startsWith("delete");
    const what = typed(t, !deleting);
    if (!what) return;
    if (t.classList.contains("md-bp")) {
      const shaped = what[4];
      if (!deleting) t.value = shaped.text;
      if (shaped.done) {
        setValue("bp", what[1], null, what[3], true);
        t.closest("tr").querySelector(".md-wt").focus();
        return;
      }
    }
    if (t.classList.contains("md-wt") && /^\d{2,3}[.,]\d$/.test(t.value.trim())) {
      setValue("weight", what[1], null, what[3], true);
      nextInput(t.closest("tr").querySelector(".md-bp"), ".md-bp")?.focus();
      return;
    }
    setValue(what[0], what[1], what[2], what[3], false);
  });
  root.addEventListener("change", (e) => {
    if (e.target.id !== "md-date" && e.target.id !== "md-culture") commit(e.target);
  });
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const t = e.target;
    if (!t.matches(".md-bp,.md-wt,.md-amount,#md-topic")) return;
    e.preventDefault();
    commit(t);
    if (t.classList.contains("md-bp")) {
      t.closest("tr").querySelector(".md-wt").focus();
    } else if (t.classList.contains("md-wt")) {
      nextInput(t.closest("tr").querySelector(".md-bp"), ".md-bp")?.focus();
    } else if (t.classList.contains("md-amount")) {
      const all = [...money.querySelectorAll(".md-amount")];
      all[all.indexOf(t) + 1]?.focus();
    }
  });
  // Redraw the money rows when an amount is left (the buttons follow the typed amounts).
  root.addEventListener("focusout", (e) => {
    if (e.target.classList.contains("md-amount") || e.target.classList.contains("md-bp") || e.target.classList.contains("md-wt")) {
      setTimeout(() => {
        if (!root.contains(document.activeElement) || document.activeElement === document.body) render();
      }, 0);
    }
  });
  root.addEventListener("click", (e) => {
    if (e.target.closest(".md-as-due,.md-name,.md-choice button")) setTimeout(render, 0);
  });
  document.getElementById("md-culture").addEventListener("change", (e) => setValue("culture", null, null, e.target.checked));
  document.getElementById("md-all-fees").addEventListener("click", () => {
    const unpaid = roster.members.filter((m) => !lineState("fee", m.id) && !serverValue("fee", m.id));
    const saved = setValues(unpaid.map((m) => ["fee", m.id, null, String(roster.fee), true]));
    render(); // at once: a fee corrected right after this tap corrects the one shown
    return saved;
  });
  document.getElementById("md-send").addEventListener("click", syncAll);
  document.getElementById("md-date").addEventListener("change", async (e) => {
    meta.date = e.target.value;
    meta.error = "";
    await put("meta", meta, PAGE);
    await loadRoster();
    render();
    soon();
  });
  document.getElementById("md-search").addEventListener("input", (e) => {
    const q = fold(e.target.value.trim());
    root.querySelectorAll(".md-row-found").forEach((r) => r.classList.remove("md-row-found"));
    if (!q) return;
    const row = [...health.querySelectorAll("tr")].find((r) => r.dataset.name.includes(q));
    if (row) {
      row.classList.add("md-row-found");
      row.scrollIntoView({ block: "center" });
    }
  });
  document.getElementById("md-search").addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    health.querySelector(".md-row-found .md-bp")?.focus();
  });

  // The state line stays at the top of the screen: tapping it while something needs attention
  // goes to the next such row, wherever it is in the list.
  let nextProblem = 0;
  document.getElementById("md-state").addEventListener("click", () => {
    const rows = [...root.querySelectorAll(".md-row-bad, .md-row-conflict")];
    if (!rows.length) return;
    const target = rows[nextProblem++ % rows.length];
    target.scrollIntoView({ block: "center" });
    target.querySelector("input, button")?.focus({ preventScroll: true });
  });
  window.addEventListener("online", syncAll);
  window.addEventListener("offline", showState);
  setInterval(syncAll, 20000);

  async function start() {
    meta = (await get("meta", PAGE)) || { date: "" };
    const kept = await tx("lines", "readonly", (s) => s.index("page").getAll(PAGE));
    for (const l of kept) lines.set(l.key, l);
    roster = await get("rosters", PAGE);
    render();
    await loadRoster();
    render();
    syncAll();
  }
  start();
})();
