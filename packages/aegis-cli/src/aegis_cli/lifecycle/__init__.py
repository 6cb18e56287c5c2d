"""Growing an existing project: add, remove, status, update, upgrade.

Modules, smallest first: `manifest` (what the CLI wrote, with hashes), `blocks` (the two marked
regions in shared files), `transaction` (all or nothing), `project` (reading the user's
project), `deps` (uv), `stubs` (copier rendering), `plan` (what a command would do), `engine`
(doing it), `status`, `upgrade`, `update`.
"""
