def main(name: str) -> str:
    return f"Good morning, {name}"
