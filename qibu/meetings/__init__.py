"""Weekly meetings (EXE-3 … EXE-6, EXE-12): the department's and the management's, their agendas built from data, the
confidence set in the meeting, the minutes and next week's commitments."""
