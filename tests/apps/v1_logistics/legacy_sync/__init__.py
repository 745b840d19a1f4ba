"""Kept for reference; disabled in function.json."""

import logging

import azure.functions as func


def main(timer: func.TimerRequest) -> None:
    logging.info("legacy sync skipped")
