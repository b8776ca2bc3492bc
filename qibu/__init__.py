"""Qibu (七步): a self-hosted OKR system that runs the seven-step method."""
