"""Neovim 0.7's built-in client with funcls and jedi-language-server on a v2 blueprint,
renaming the route parameter ``{id}`` with ``vim.lsp.buf.rename``: Neovim asks both servers
prepareRename and sends the rename to each that answers (runtime/lua/vim/lsp/buf.lua); the
route, the blob path reading ``{id}`` and the read ``req.route_params["id"]`` change once each,
and nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clients.editors import REPO, neovim_beside_jedi, require, run_neovim_headless

pytestmark = [pytest.mark.editor, pytest.mark.slow]

READ = '    """GET /api/orders/{id}/receipt'

BODY = r"""
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row, col
  for i, l in ipairs(lines) do
    local c = l:find('route="orders/{id}', 1, true)
    if c then row, col = i, c + 15 end
  end
  vim.api.nvim_win_set_cursor(0, {row, col})
  vim.lsp.buf.rename("order_id")
  local done = vim.wait(20000, function()
    return buffer_text(buf):find("orders/{order_id}/receipt", 1, true) ~= nil
  end, 50)
  -- Give a second rename (if any) the time to arrive before reading the result.
  vim.wait(2000, function() return false end, 100)
  out.text = buffer_text(buf)
  out.done = done
"""


def test_neovim_renaming_a_route_parameter_beside_a_python_server(tmp_path: Path) -> None:
    nvim = require("nvim", "neovim")
    app = tmp_path / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    bp = app / "orders_bp.py"
    before = bp.read_text()
    # get_receipt reads the parameter too.
    assert READ in before
    source = before.replace(READ, '    req.route_params["id"]\n' + READ, 1)
    bp.write_text(source)
    lua, values = neovim_beside_jedi(bp, BODY)
    result = run_neovim_headless(nvim, lua, app, tmp_path, values)
    assert "error" not in result, result
    assert result["done"], (result["log"], result["notes"])
    expected = source.replace(
        'route="orders/{id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{id}.json"',
        'route="orders/{order_id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{order_id}.json"',
    ).replace('    req.route_params["id"]\n' + READ, '    req.route_params["order_id"]\n' + READ)
    assert expected.count("order_id") == 3
    assert result["text"] == expected.rstrip("\n")
