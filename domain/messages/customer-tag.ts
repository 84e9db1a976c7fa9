// Apart from delivery.ts so that delivery-events reads a notification's customer without bundling the send.

/**
 * Customer ids may hold characters SES tags refuse (. : @); hex keeps them exact, so a bounce
 * notification leads back to the customer without a lookup by address.
 */
export function customerTag(customerId: string): string {
  return Buffer.from(customerId, 'utf8').toString('hex');
}

export function customerFromTag(tag: string): string | undefined {
  return /^([0-9a-f]{2})+$/.test(tag) ? Buffer.from(tag, 'hex').toString('utf8') : undefined;
}
