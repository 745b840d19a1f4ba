PREFIX = "shared"


def tag(text: str) -> str:
    return f"{PREFIX}:{text}"
