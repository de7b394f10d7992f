-- Neovim 0.7.2 as an independent LSP client of dist/server.js (vim.lsp.start() and `nvim -l` need 0.8+/0.9+,
-- so this uses start_client + buf_attach_client). Prints the diagnostics of one file as
--   DIAG <file>:<line>:<col> [<code>] <message>
-- then OK or TIMEOUT, and exits non-zero on timeout.
-- Run from the repository root:  nvim --headless -u NONE -c 'luafile test/nvim/diagnostics.lua'
-- MM_REVIEW_SERVER and MM_REVIEW_FILE override the server bundle and the file to check.
local root = vim.fn.getcwd()
local server = os.getenv('MM_REVIEW_SERVER') or (root .. '/dist/server.js')
local file = os.getenv('MM_REVIEW_FILE') or (root .. '/test/fixtures/lsp/lock-leak.c')

local client_id = vim.lsp.start_client({
  name = 'mm-review',
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  -- Answered to the server's workspace/configuration request for the `mmReview` section.
  settings = { mmReview = { debounceMs = 50 } },
})
if not client_id then
  io.stdout:write('FAILED: the language server did not start\n')
  vim.cmd('cquit 2')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'c'
vim.lsp.buf_attach_client(buf, client_id)

-- Neovim's own publishDiagnostics handler fills vim.diagnostic.
local ok = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local name = vim.fn.fnamemodify(file, ':t')
for _, d in ipairs(vim.diagnostic.get(buf)) do
  io.stdout:write(string.format('DIAG %s:%d:%d [%s] %s\n', name, d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
io.stdout:write(ok and 'OK: diagnostics received\n' or 'TIMEOUT: no diagnostics\n')
vim.lsp.stop_client(client_id)
vim.cmd(ok and 'qa!' or 'cquit 1')
