"""Only entryPoint is overridden: archive() in __init__.py. The queue message is the return value."""

import logging

import azure.functions as func


def archive(scan: func.InputStream, archived: func.Out[bytes]) -> str:
    archived.set(scan.read())
    logging.info("archived %s (%s bytes)", scan.name, scan.length)
    return scan.name
