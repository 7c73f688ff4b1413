"""The acta's record through the Proceso Técnico Operativo: its state, figures and timestamps."""
