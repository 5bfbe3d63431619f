"""The back office: moderation, reports, accounts, figures and duplicates, served under /admin/ for
moderators and admins (French pages), with the figures as JSON at /api/admin/stats. It calls
`market/` as `api/` does; `market/` knows nothing of it."""
