package org.patientvault.mobile.me;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The outcome of accepting ({@code claimed}, with how many records moved) or rejecting a candidate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimResult(String candidate, String outcome, Integer moved) {
}
