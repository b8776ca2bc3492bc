"""The update (更新, UPD-1 … UPD-5): after self-assessment and reflection, each closing objective gets a
decision, kept ones are carried into the next cycle, in the order company → departments → people (UPD-2), and a
closed cycle is locked (UPD-5)."""
