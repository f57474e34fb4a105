from shop.pricing import Cart, apply_discount


def test_apply_discount():
    assert apply_discount(200.0, 25) == 150.0


def test_cart_total():
    cart = Cart()
    cart.add("tea", 3.5, 2)
    assert cart.total() == 7.0
