"""Chat: Feishu/Lark, DingTalk, WeCom and Slack incoming webhooks per department or team.

platforms  each platform's format, size limit, signature and answer (pure functions)
access     who may set up a department's or team's webhooks
services   set webhooks up; `chat_post(...)` queues a message to a department's or team's webhooks
sending    the worker's side: claim, sign, post, retry with back-off, throttle, disable after failures
selectors  what the Chat settings page shows
"""
