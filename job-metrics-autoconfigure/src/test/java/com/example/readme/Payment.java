package com.example.readme;

/**
 * A message of the README's examples.
 *
 * @param id the payment's id
 * @param amount its amount
 */
record Payment(String id, long amount) {
}
