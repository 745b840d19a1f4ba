import azure.functions as func


def main(req: func.HttpRequest) -> None:
    """The worker refuses `-> None` on an http $return binding; so does funcls."""
