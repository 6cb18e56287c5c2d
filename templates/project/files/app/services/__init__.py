"""Business logic, imported explicitly by components (API, CLI, worker, scheduler)."""
