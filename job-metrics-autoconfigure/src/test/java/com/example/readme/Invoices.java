package com.example.readme;

import java.util.ArrayList;
import java.util.List;

/**
 * The application service behind the README's examples: it remembers what it was asked to do, and fails a payment
 * whose amount is negative.
 */
class Invoices {

	final List<String> done = new ArrayList<>();

	void report() {
		this.done.add("report");
	}

	void export() {
		this.done.add("export");
	}

	void settle(Payment payment) {
		if (payment.amount() < 0) {
			throw new IllegalArgumentException("negative amount");
		}
		this.done.add("settle " + payment.id());
	}

}
