"""Celebration (庆祝, CEL-1 … CEL-5): celebrations planned per level, the reward a result earns, recognition
from anyone to anyone, incentives for managers, and the lessons learned that the next cycle's drafting reads."""
