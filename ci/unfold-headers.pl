#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# Unfold folded mail headers (RFC 5322 allows 998 characters a line).
# git format-patch folds a long "From:" over two lines and b4 0.12 then
# fails on the line break; unfolded headers are read the same by git am.
use strict;
use warnings;

my ($inhdr, $held) = (0, undef);
while (<>) {
	if ($inhdr && defined $held && /^[ \t]+(.*\n)/) {
		chomp $held;
		$held .= " $1";
		next;
	}
	print $held if defined $held;
	$held = undef;
	if (/^From [0-9a-f]{40} /) {
		$inhdr = 1;
		print;
	} elsif ($inhdr && /^\r?\n$/) {
		$inhdr = 0;
		print;
	} elsif ($inhdr) {
		$held = $_;
	} else {
		print;
	}
}
print $held if defined $held;
