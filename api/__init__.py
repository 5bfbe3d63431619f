"""The Litestar application: routes, schemas on the wire, error mapping."""
