"""Cuentas: users, roles scoped to a CATD/CCV, device tokens, login throttling."""
