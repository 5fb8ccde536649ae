"""Load the official unit lists into the database: validate every file first, then write in one
transaction only what differs, so that a second run changes nothing and a damaged file leaves the
previous data intact."""

import csv
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q

from ishc.core.text import fold

from .models import EthnicGroup, Level, Scheme, Succession, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"

# file name → (delimiter, required columns)
FILES = {
    "provinces_2025.csv": (",", ["code", "name", "division_type"]),
    "communes_2025.csv": (",", ["code", "name", "division_type", "province_code"]),
    "provinces_legacy.csv": (",", ["code", "name", "division_type"]),
    "districts_legacy.csv": (",", ["code", "name", "division_type", "province_code"]),
    "communes_legacy.csv": (
        ",",
        ["code", "name", "division_type", "district_code", "province_code"],
    ),
    "commune_succession_2025.csv": (",", ["legacy_code", "code_2025", "partly_merged"]),
    "special_zones_2025.csv": (",", ["legacy_district_code", "code_2025", "note"]),
    "province_63_to_34.tsv": ("\t", ["gso_old", "name_old", "iso_3166_2", "gso_new", "name_new"]),
    "ethnic_groups.tsv": ("\t", ["code", "name"]),
}
INT_COLUMNS = {
    "code",
    "province_code",
    "district_code",
    "legacy_code",
    "code_2025",
    "partly_merged",
    "legacy_district_code",
    "gso_old",
    "gso_new",
}


class DataError(Exception):
    """A data file is missing, damaged or inconsistent; the message says where."""


@dataclass
class Stats:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)


def read_files(data_dir: Path = DATA_DIR) -> dict[str, list[dict]]:
    """Read and check every file; raise DataError listing every problem found."""
    manifest_path = data_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{manifest_path.name}: cannot be read ({exc})") from exc
    errors: list[str] = []
    tables: dict[str, list[dict]] = {}
    for name, (delimiter, columns) in FILES.items():
        path = data_dir / name
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter=delimiter)
                missing = [c for c in columns if c not in (reader.fieldnames or [])]
                if missing:
                    errors.append(f"{name}: missing columns {', '.join(missing)}")
                    continue
                rows = []
                for lineno, row in enumerate(reader, start=2):
                    bad = False
                    for col in columns:
                        value = row.get(col)
                        if value is None or (value.strip() == "" and col != "note"):
                            errors.append(f"{name} line {lineno}: column {col} is empty")
                            bad = True
                        elif col in INT_COLUMNS:
                            try:
                                row[col] = int(value)
                            except ValueError:
                                errors.append(
                                    f"{name} line {lineno}: column {col} is not a number: {value!r}"
                                )
                                bad = True
                    if not bad:
                        rows.append(row)
        except FileNotFoundError:
            errors.append(f"{name}: file not found in {data_dir}")
            continue
        except UnicodeDecodeError as exc:
            errors.append(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
            continue
        expected = manifest.get(name)
        if (
            expected is not None
            and len(rows) != expected
            and not any(e.startswith(name) for e in errors)
        ):
            errors.append(f"{name}: {len(rows)} rows, expected {expected} (file truncated?)")
        tables[name] = rows
    if not errors:
        errors.extend(_check_references(tables))
    if errors:
        raise DataError("\n".join(errors))
    return tables


def _check_references(t: dict[str, list[dict]]) -> list[str]:
    errors = []
    p25 = {r["code"] for r in t["provinces_2025.csv"]}
    c25 = {r["code"] for r in t["communes_2025.csv"]}
    pleg = {r["code"] for r in t["provinces_legacy.csv"]}
    dleg = {r["code"] for r in t["districts_legacy.csv"]}

    def check(file, rows, col, known, what):
        for i, r in enumerate(rows, start=2):
            if r[col] not in known:
                errors.append(f"{file} line {i}: {col} {r[col]} is not a known {what}")

    check("communes_2025.csv", t["communes_2025.csv"], "province_code", p25, "2025 province")
    check("districts_legacy.csv", t["districts_legacy.csv"], "province_code", pleg, "province")
    check("communes_legacy.csv", t["communes_legacy.csv"], "district_code", dleg, "district")
    check("communes_legacy.csv", t["communes_legacy.csv"], "province_code", pleg, "province")
    succ = t["commune_succession_2025.csv"]
    check("commune_succession_2025.csv", succ, "code_2025", c25, "2025 commune")
    zones = t["special_zones_2025.csv"]
    check("special_zones_2025.csv", zones, "code_2025", c25, "2025 commune")
    check("special_zones_2025.csv", zones, "legacy_district_code", dleg, "district")
    pmap = t["province_63_to_34.tsv"]
    check("province_63_to_34.tsv", pmap, "gso_old", pleg, "legacy province")
    check("province_63_to_34.tsv", pmap, "gso_new", p25, "2025 province")
    unmapped = pleg - {r["gso_old"] for r in pmap}
    if unmapped:
        errors.append(f"province_63_to_34.tsv: no row for legacy provinces {sorted(unmapped)}")
    return errors


def _sync_units(level_rows: list[tuple], stats: Stats) -> None:
    """Create or update units given as (scheme, level, code, fields-with-unit-keys) tuples."""
    keys = {(s, lv) for s, lv, _, _ in level_rows}
    existing = {
        (u.scheme, u.level, u.code): u
        for u in Unit.objects.filter(Q(*[Q(scheme=s, level=lv) for s, lv in keys], _connector=Q.OR))
    }
    ids = dict(
        ((s, lv, c), pk)
        for s, lv, c, pk in Unit.objects.values_list("scheme", "level", "code", "pk")
    )
    to_create, to_update = [], []
    for scheme, level, code, values in level_rows:
        resolved = {
            k: (ids[v] if k.endswith("_id") and v is not None else v) for k, v in values.items()
        }
        unit = existing.get((scheme, level, code))
        if unit is None:
            unit = Unit(scheme=scheme, level=level, code=code, **resolved)
            unit.search_name = fold(unit.name)
            to_create.append(unit)
            continue
        resolved["search_name"] = fold(resolved["name"])
        if any(getattr(unit, k) != v for k, v in resolved.items()):
            for k, v in resolved.items():
                setattr(unit, k, v)
            to_update.append(unit)
    Unit.objects.bulk_create(to_create, batch_size=1000)
    fields = sorted({k for _, _, _, v in level_rows for k in v} | {"search_name"})
    Unit.objects.bulk_update(to_update, fields, batch_size=1000)
    stats.created += len(to_create)
    stats.updated += len(to_update)


def load(data_dir: Path = DATA_DIR) -> dict:
    started = time.monotonic()
    t = read_files(data_dir)
    stats = Stats()
    C, L = Scheme.CURRENT, Scheme.LEGACY
    P, D, M = Level.PROVINCE, Level.DISTRICT, Level.COMMUNE
    pmap = {r["gso_old"]: r for r in t["province_63_to_34.tsv"]}
    # A legacy commune's province comes from its district: one commune row in the official list
    # carries a wrong province code, while the district table is consistent.
    district_province = {r["code"]: r["province_code"] for r in t["districts_legacy.csv"]}
    with transaction.atomic():
        base = lambda r: {"name": r["name"].strip(), "division_type": r["division_type"].strip()}  # noqa: E731
        _sync_units([(C, P, r["code"], base(r)) for r in t["provinces_2025.csv"]], stats)
        _sync_units(
            [
                (
                    L,
                    P,
                    r["code"],
                    base(r)
                    | {
                        "successor_id": (C, P, pmap[r["code"]]["gso_new"]),
                        "iso_code": pmap[r["code"]]["iso_3166_2"],
                    },
                )
                for r in t["provinces_legacy.csv"]
            ],
            stats,
        )
        _sync_units(
            [
                (
                    C,
                    M,
                    r["code"],
                    base(r)
                    | {
                        "parent_id": (C, P, r["province_code"]),
                        "province_id": (C, P, r["province_code"]),
                    },
                )
                for r in t["communes_2025.csv"]
            ]
            + [
                (
                    L,
                    D,
                    r["code"],
                    base(r)
                    | {
                        "parent_id": (L, P, r["province_code"]),
                        "province_id": (L, P, r["province_code"]),
                    },
                )
                for r in t["districts_legacy.csv"]
            ],
            stats,
        )
        _sync_units(
            [
                (
                    L,
                    M,
                    r["code"],
                    base(r)
                    | {
                        "parent_id": (L, D, r["district_code"]),
                        "province_id": (L, P, district_province[r["district_code"]]),
                    },
                )
                for r in t["communes_legacy.csv"]
            ],
            stats,
        )
        _sync_successions(t, stats)
        _sync_ethnic_groups(t["ethnic_groups.tsv"], stats)
    return summary(stats, time.monotonic() - started)


def _sync_successions(t: dict[str, list[dict]], stats: Stats) -> None:
    ids = dict(
        ((s, lv, c), pk)
        for s, lv, c, pk in Unit.objects.values_list("scheme", "level", "code", "pk")
    )
    wanted = {}
    for r in t["commune_succession_2025.csv"]:
        key = (
            Level.COMMUNE,
            r["legacy_code"],
            ids[(Scheme.CURRENT, Level.COMMUNE, r["code_2025"])],
        )
        wanted[key] = (
            ids.get((Scheme.LEGACY, Level.COMMUNE, r["legacy_code"])),
            bool(r["partly_merged"]),
        )
    for r in t["special_zones_2025.csv"]:
        key = (
            Level.DISTRICT,
            r["legacy_district_code"],
            ids[(Scheme.CURRENT, Level.COMMUNE, r["code_2025"])],
        )
        wanted[key] = (ids.get((Scheme.LEGACY, Level.DISTRICT, r["legacy_district_code"])), False)
    existing = {(s.old_level, s.old_code, s.new_unit_id): s for s in Succession.objects.all()}
    to_create, to_update = [], []
    for key, (old_unit_id, partly) in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            to_create.append(
                Succession(
                    old_level=key[0],
                    old_code=key[1],
                    new_unit_id=key[2],
                    old_unit_id=old_unit_id,
                    partly_merged=partly,
                )
            )
        elif (row.old_unit_id, row.partly_merged) != (old_unit_id, partly):
            row.old_unit_id, row.partly_merged = old_unit_id, partly
            to_update.append(row)
    Succession.objects.bulk_create(to_create, batch_size=1000)
    Succession.objects.bulk_update(to_update, ["old_unit_id", "partly_merged"], batch_size=1000)
    # A pair that left the official table is wrong now; nothing points at succession rows.
    Succession.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
    stats.created += len(to_create)
    stats.updated += len(to_update)
    stats.deleted += len(existing)


def _sync_ethnic_groups(rows: list[dict], stats: Stats) -> None:
    existing = {g.code: g for g in EthnicGroup.objects.all()}
    for r in rows:
        code, name = f"{r['code']:02d}", r["name"].strip()
        group = existing.get(code)
        if group is None:
            EthnicGroup.objects.create(code=code, name=name)
            stats.created += 1
        elif group.name != name:
            group.name = name
            group.save(update_fields=["name"])
            stats.updated += 1


def summary(stats: Stats | None = None, seconds: float | None = None) -> dict:
    counts: dict[str, dict[str, int]] = {Scheme.CURRENT: {}, Scheme.LEGACY: {}}
    for row in Unit.objects.values("scheme", "level").annotate(n=Count("pk")).order_by():
        counts[row["scheme"]][row["level"]] = row["n"]
    without = (
        Unit.objects.filter(scheme=Scheme.LEGACY, level=Level.COMMUNE)
        .exclude(code__in=Succession.objects.filter(old_level=Level.COMMUNE).values("old_code"))
        .count()
    )
    result = {
        "units": {
            "2025": {
                lv: counts[Scheme.CURRENT].get(lv, 0) for lv in (Level.PROVINCE, Level.COMMUNE)
            },
            "legacy": {
                lv: counts[Scheme.LEGACY].get(lv, 0)
                for lv in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
            },
        },
        "succession_pairs": Succession.objects.filter(old_level=Level.COMMUNE).count(),
        "special_zones": Succession.objects.filter(old_level=Level.DISTRICT).count(),
        "legacy_communes_without_successor": without,
        "ethnic_groups": EthnicGroup.objects.count(),
    }
    if stats is not None:
        result |= {"created": stats.created, "updated": stats.updated, "deleted": stats.deleted}
    if seconds is not None:
        result["seconds"] = round(seconds, 2)
    return result
