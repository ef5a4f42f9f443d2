"""Human-readable renderings of check results (terminal now; narrative and Word later)."""
