"""Who may do what with problem reports, as `rules` predicates."""
