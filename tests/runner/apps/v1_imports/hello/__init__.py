import json

import azure.functions as func
from __app__.shared.words import tag
from shared import words as absolute_words

from ..shared import words as relative_words
from . import local_helper


def main(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    who = req.route_params.get("who", "world")
    return func.HttpResponse(
        json.dumps(
            {
                "greeting": local_helper.greet(who),
                "relative": relative_words.tag(who),
                "namespaced": tag(who),
                "absolute": absolute_words.tag(who),
                "module": __name__,
                "directory": context.function_directory,
                "function": context.function_name,
            }
        ),
        mimetype="application/json",
    )
