-- A by-hand probe of qasas lsp in a real Neovim (not a test: it needs Neovim): open a scene file with the setup
-- in editors/neovim/qasas.lua, wait for diagnostics, misspell a goto, fix it, jump to a definition, hover. It
-- writes what it saw to $TRIAL_OUT. From the repository (docs/editors.md says more):
--
--   cp -r scenes /tmp/story
--   QASAS=$PWD/.venv/bin/qasas TRIAL_OUT=/tmp/trial.txt nvim --headless -u editors/neovim/qasas.lua \
--     /tmp/story/02_road_north/04_canton.yaml -c "luafile tests/lsp/probe_neovim.lua" -c "qa!"
--   cat /tmp/trial.txt
local out = {}
local function say(s) table.insert(out, s) end
local buf = vim.api.nvim_get_current_buf()
local function wait_diags(pred, ms)
  vim.wait(ms or 15000, function() return pred(vim.diagnostic.get(buf)) end, 50)
  return vim.diagnostic.get(buf)
end
vim.wait(15000, function() return #vim.lsp.buf_get_clients(buf) > 0 end, 50)
say("attached clients: " .. #vim.lsp.buf_get_clients(buf))
vim.wait(3000)
say("diagnostics on open: " .. #vim.diagnostic.get(buf))

-- A typo in a goto: find the first 'goto: ' line and misspell its target.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local row, col
for i, l in ipairs(lines) do
  local s = l:find("goto: [%a_]")
  if s then row, col = i - 1, s + 5; break end
end
local target = lines[row + 1]:sub(col + 1):match("^[%w_]+")
say("goto on line " .. (row + 1) .. ": " .. target)
vim.api.nvim_buf_set_text(buf, row, col + #target - 1, row, col + #target, { "" })  -- drop its last letter
local diags = wait_diags(function(d) return #d > 0 end)
for _, d in ipairs(diags) do
  say(string.format("diagnostic %d:%d-%d:%d %s: %s", d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1,
    vim.diagnostic.severity[d.severity], d.message))
end
vim.api.nvim_buf_set_text(buf, row, col + #target - 1, row, col + #target - 1, { target:sub(-1) })  -- fix it
diags = wait_diags(function(d) return #d == 0 end)
say("diagnostics after the fix: " .. #diags)

-- Go to definition of the goto's target, and hover over it.
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = col + 1 } }
local res = vim.lsp.buf_request_sync(buf, "textDocument/definition", params, 10000)
for _, r in pairs(res or {}) do
  for _, loc in ipairs(r.result or {}) do
    say("definition: " .. vim.uri_to_fname(loc.uri):gsub("^.*/story/", "") .. ":" .. (loc.range.start.line + 1) .. ":" .. (loc.range.start.character + 1))
  end
end
vim.lsp.util.jump_to_location(res[next(res)].result[1], "utf-16")
say("after the jump: " .. vim.api.nvim_buf_get_name(0):gsub("^.*/story/", "") .. " line " .. vim.api.nvim_win_get_cursor(0)[1] .. ": " .. vim.api.nvim_get_current_line())
res = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
for _, r in pairs(res or {}) do
  if r.result then say("hover:\n" .. r.result.contents.value) end
end
-- Completion where a scene id goes, and what a rename of that scene would change.
local cparams = { textDocument = params.textDocument, position = { line = row, character = col + 2 } }
res = vim.lsp.buf_request_sync(buf, "textDocument/completion", cparams, 10000)
for _, r in pairs(res or {}) do
  local items = r.result and (r.result.items or r.result) or {}
  local shown = {}
  for i = 1, math.min(4, #items) do table.insert(shown, items[i].label .. " (" .. (items[i].detail or "") .. ")") end
  say("completion after 'goto: " .. target:sub(1, 2) .. "': " .. #items .. " items, e.g. " .. table.concat(shown, ", "))
end
local rparams = vim.tbl_extend("force", params, { newName = target .. "_renamed" })
res = vim.lsp.buf_request_sync(buf, "textDocument/rename", rparams, 10000)
for _, r in pairs(res or {}) do
  for uri, edits in pairs(r.result and r.result.changes or {}) do
    local texts = {}
    for _, e in ipairs(edits) do table.insert(texts, (e.newText:gsub("\n", "\\n"))) end
    say("rename edits " .. vim.uri_to_fname(uri):gsub("^.*/", "") .. ": " .. table.concat(texts, " | "))
  end
end
vim.fn.writefile(vim.split(table.concat(out, "\n"), "\n"), os.getenv("TRIAL_OUT"))
