"""Delivery channels of reminders: in-app, e-mail, group robots (企业微信, 钉钉) and SMS.

Each channel is a class registered under its name; delivery looks it up by the message's
channel, so a deployment adds one by registering a class (see ``base.register``).
"""

from .base import Channel, ChannelError, get_channel, register, registered

__all__ = ["Channel", "ChannelError", "get_channel", "register", "registered"]
