def shout(name: str) -> str:
    return f"HELLO {name.upper()}"
