"""Prices, discounts and shipping."""
from dataclasses import dataclass, field


def apply_discount(price: float, percent: int) -> float:
    """Return price reduced by percent.

    >>> apply_discount(200.0, 25)
    150.0
    """
    if percent < 0 or percent > 100:
        raise ValueError("percent must be between 0 and 100")
    return round(price * (100 - percent) / 100, 2)


def shipping_cost(weight_kg: float, express: bool = False) -> float:
    """Shipping cost for a parcel."""
    if weight_kg <= 0:
        raise ValueError("weight must be positive")
    cost = 4.5
    if weight_kg > 30:
        raise ValueError("parcels over 30 kg go by freight")
    if weight_kg > 10:
        cost += (weight_kg - 10) * 0.8
    if express:
        cost *= 2
    return round(cost, 2)


@dataclass
class Cart:
    items: list = field(default_factory=list)

    def add(self, name: str, price: float, quantity: int = 1) -> None:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        self.items.append((name, price, quantity))

    def total(self) -> float:
        """Sum of price times quantity over the cart."""
        return round(sum(price * quantity for _, price, quantity in self.items), 2)


def loyalty_points(total: float, member: bool) -> int:
    """Points earned for a purchase: one per whole unit, double for members."""
    points = int(total)
    if member:
        points *= 2
    return points
