"""Reflection (反思, REF-1 … REF-5): the department's and the management's reflections on a cycle, from the
aggregated self-assessment data (REF-4), ending in measures with owners and dates for the next period (REF-2)
and every manager's account of how they used OKRs (REF-3), without blame (REF-5)."""
