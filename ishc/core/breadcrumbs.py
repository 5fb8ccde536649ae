"""Breadcrumbs for base.html: a list of {"label", "url"} dicts, the last one the current page."""


def trail(*steps: tuple[str, str | None]) -> list[dict]:
    """Crumbs from (label, url) pairs; a step without a URL is shown as plain text."""
    return [{"label": label, "url": url} for label, url in steps]
