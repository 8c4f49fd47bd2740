-- qasas lsp in Neovim: put this file on your runtimepath (e.g. ~/.config/nvim/plugin/qasas.lua), or paste it into
-- your init.lua. It starts the language server for YAML files that belong to a story (a folder above them holds
-- story.yaml); every other YAML file is left alone. Set QASAS to the qasas command if it is not on your PATH
-- (e.g. export QASAS=~/jaysh-al-qasas/.venv/bin/qasas).
local cmd = { os.getenv("QASAS") or "qasas", "lsp" }

if vim.fn.has("nvim-0.11") == 1 then
  vim.lsp.config("qasas", { cmd = cmd, filetypes = { "yaml" }, root_markers = { "story.yaml" } })
  vim.lsp.enable("qasas")
  return
end

local function story_root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir ~= "" and dir ~= "/" do
    if vim.fn.filereadable(dir .. "/story.yaml") == 1 then
      return dir
    end
    dir = vim.fn.fnamemodify(dir, ":h")
  end
end

local clients = {}
vim.api.nvim_create_autocmd("FileType", {
  pattern = "yaml",
  callback = function(args)
    local root = story_root(vim.api.nvim_buf_get_name(args.buf))
    if not root then
      return
    end
    if vim.lsp.start then -- 0.8 to 0.10: reuses a running client for the same root
      vim.lsp.start({ name = "qasas", cmd = cmd, root_dir = root }, { bufnr = args.buf })
    else -- 0.7
      clients[root] = clients[root] or vim.lsp.start_client({ name = "qasas", cmd = cmd, root_dir = root })
      vim.lsp.buf_attach_client(args.buf, clients[root])
    end
  end,
})
