"""The app process of `funcls run`: imports the user's app with the real azure-functions
library and invokes its functions on request from the runner.

Everything in this package imports only the standard library, azure-functions and funcls
modules that themselves import only the standard library (`funcls.runner.wire`, the binding
view `funcls.model.bindingview`), so it can run in any interpreter that has azure-functions
installed. The runner learns each function's bindings from it as JSON: the binding objects as
the app declared them (`FunctionInfo.describe`), which the runner reads through the same
binding view.
"""
