"""The app process of `funcls run`: imports the user's app with the real azure-functions
library and invokes its functions on request from the runner.

Everything in this package imports only the standard library, `funcls.runner.wire` and
azure-functions, so it can run in any interpreter that has azure-functions installed.
"""
