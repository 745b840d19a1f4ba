"""``funcls.convertAppToV2 ROOT remove|keep``: the app conversion for clients that cannot
delete files from a workspace edit (Neovim 0.7, eglot): the server asks the user, then writes
function_app.py and removes the v1 folders (or their function.json) itself."""

from __future__ import annotations

from lsprotocol import types

from funcls.lsp.convert.app import REMOVE, apply_on_disk, check_conversion, plan_app_conversion
from funcls.lsp.server import FunclsServer


async def convert_app_command(server: FunclsServer, root: str = "", folders: str = REMOVE) -> bool:
    server.state.flush()
    app = server.state.index.apps.get(root)
    plan = plan_app_conversion(app, server.state.index.source, folders) if app else None
    if app is None or plan is None:
        server.tell(f"no v1 function left to convert in {root or 'this workspace'}")
        return False
    problem = plan.problem or check_conversion(app, server.state.index.source, plan)
    if problem is not None:
        server.tell(f"{plan.title}: not done, {problem}")
        return False
    convert = "Convert"
    removed = sum(1 for op in plan.ops if op.kind == "delete")
    answer = await server.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=f"{plan.title}: writes {plan.target} and deletes {removed} v1 path(s)?",
            actions=[
                types.MessageActionItem(title=convert),
                types.MessageActionItem(title="Cancel"),
            ],
        )
    )
    if answer is None or answer.title != convert:
        return False
    for path in apply_on_disk(plan):
        server.file_changed_on_disk(path)
    with server.state.index_lock:  # not while the rules thread re-indexes an edit
        server.state.index.index_all()
    server.state.invalidate_findings()
    server.publish_roots([root])
    return True
