"""Self-assessment (自评, SELF-1 … SELF-3): each person scores their key results from 0.0 to 1.0 (MEAS-7),
says what worked, the root cause where a result fell short and what to change, and presents it in the department
meeting. It is not a performance appraisal (SELF-2)."""
