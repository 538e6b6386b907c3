package org.patientvault.mobile.consents;

import java.util.List;

/** The patient's consents, newest first (revoked and expired ones too: the history is theirs). */
public record ConsentList(List<ConsentView> consents, int total) {
}
