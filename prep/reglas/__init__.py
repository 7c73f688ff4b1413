"""Pure rule engine of the PREP (docs/reglas.md): no Django import, reusable on its own.

Modules:
- `cifras`: one captured quantity (number, ILEGIBLE, SIN_DATO) and the letra/número reading (R1–R3);
- `configuracion`: the named settings where institutes deviate;
- `acta`: an acta as the engine sees it;
- `evaluacion`: contabilizada, observaciones and total per acta (R4–R9);
- `porcentajes`: truncated percentages (R12) and participación (R13);
- `agregacion`: totals at every level (R10, R14);
- `coaliciones`: candidatura totals and the optional art. 311 view (R11).
"""
