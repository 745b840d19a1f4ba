"""``funcls new``: apps and functions from the catalogue's templates.

``functions`` checks a request against the catalogue and renders the function (v2 decorated
def, v1 folder); ``module`` places a v2 function in a Python module; ``app`` holds the files of a
new app and the local.settings.json additions; ``plan`` turns a request into file changes
against the app as it is. All of it is pure planning: the CLI and the language server write.
"""
