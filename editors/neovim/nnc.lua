-- nnc's language server in Neovim's built-in LSP client (0.7 or later). Put this file on
-- the runtimepath (e.g. ~/.config/nvim/lua/nnc.lua) and call require('nnc').setup(), or
-- paste the body into init.lua. `cmd` may name bin/nnc.js directly if nnc is not on PATH.
local M = {}

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'nnc', 'lsp', '--stdio' }
  vim.cmd([[autocmd BufRead,BufNewFile *.nn setfiletype nn]])
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'nn',
    callback = function(args)
      local root = vim.fs and vim.fs.dirname(args.file) or vim.fn.fnamemodify(args.file, ':p:h')
      local id = vim.lsp.start_client({ name = 'nnc', cmd = cmd, root_dir = root })
      if id then vim.lsp.buf_attach_client(args.buf, id) end
    end,
  })
end

return M
