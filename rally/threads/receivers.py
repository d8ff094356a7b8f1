"""What the threads room adds when the rooms below it announce something."""

from rally.circles.signals import circles_listed

from .engagement import unread_in_circles


@circles_listed.connect
def _unread_per_circle(circles, actor) -> dict:
    """The circles list shows how many posts are new in each of the reader's circles."""
    return {"unread": unread_in_circles(actor.visitor, [circle.id for circle in circles])}
