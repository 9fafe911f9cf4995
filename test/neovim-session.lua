-- Headless Neovim drives nnc lsp through its built-in client (run by test/editor.test.ts):
-- open a .nn file with a typo, wait for the diagnostic, hover a layer, format, print JSON.
local file = os.getenv('NNC_NVIM_FILE')
package.path = os.getenv('NNC_ROOT') .. '/editors/neovim/?.lua;' .. package.path
require('nnc').setup({ cmd = { 'node', os.getenv('NNC_ROOT') .. '/bin/nnc.js', 'lsp', '--stdio' } })
vim.cmd('edit ' .. file)
local buf = vim.api.nvim_get_current_buf()
local ok = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local out = { attached = #vim.lsp.buf_get_clients(buf), diagnostics = {} }
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out.diagnostics, { line = d.lnum, col = d.col, code = d.code, message = d.message })
end
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 2, character = 3 } }
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000)
for _, r in pairs(hover or {}) do
  if r.result then out.hover = r.result.contents.value end
end
out.waited = ok
io.stdout:write(vim.fn.json_encode(out) .. '\n')
vim.cmd('qa!')
