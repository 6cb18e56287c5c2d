"""Components: thin entry points (API routes, jobs, tasks, UI) that call app/services/."""
