// A small shop front end. Its Segment events feed the Optimizely experiments in ../datafile.json; one key below
// is misspelled, so those conversions would never count (the end-to-end test fixes it with the quick fix).
import { AnalyticsBrowser } from '@segment/analytics-next';

export const analytics = AnalyticsBrowser.load({ writeKey: 'e2e-write-key' });

export function viewProduct(product) {
  analytics.track('Product Viewed', { product_id: product.id });
}

export function startCheckout(cart) {
  analytics.track('Checkout Started', { cart_value: cart.totalCents });
}

export function completeOrder(order) {
  analytics.track('Order Completed', { revenue: order.totalCents, currency: 'USD' });
}

export function completeExpressOrder(order) {
  analytics.track('Order Complete', { revenue: order.totalCents, currency: 'USD' });
}
