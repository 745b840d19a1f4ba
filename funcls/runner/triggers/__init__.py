"""Native triggers of the runner: timer, queue and blob, each an asyncio task per function."""
