"""Reads of the planning app, by what they serve: the objective page's section (`panel`), the planning board
(`board`), the approver's queue (`queue`) and SET-7's shares (`share`, also on the company page)."""
