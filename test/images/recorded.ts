// shifterimg output as docs/shifter.md describes it (recorded from the project's Shifter stand-in, which
// keeps shifterimg.c's printf formats byte for byte).

const E = '\r\x1b[2K';

/** `shifterimg pull docker:hello:latest` (no -v): every poll redrawn in place, a newline after the last. */
export const PULL_READY_PLAIN = `${E}2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: PULLING${E}2026-11-22T01:24:07 Pulling Image: docker:hello:latest, status: CONVERSION${E}2026-11-22T01:24:08 Pulling Image: docker:hello:latest, status: READY\n`;

/** No -v, ending in FAILURE (exit status 0 all the same). */
export const PULL_FAILURE_PLAIN = `${E}2026-11-22T01:23:56 Pulling Image: docker:hello:latest, status: PULLING${E}2026-11-22T01:23:57 Pulling Image: docker:hello:latest, status: FAILURE\n`;

/** `shifterimg -v pull docker:nosuch:1.0`. */
export const PULL_FAILURE_VERBOSE = `Message: {"id":"MISSING","system":"sfcluster","itype":"docker","tag":[],"status":"PENDING","userACL":[],"groupACL":[],"ENV":"MISSING","ENTRY":"MISSING","WORKDIR":"MISSING","LABELS":"MISSING","last_pull":1795310637.256,"status_message":""}
Message: {"id":"MISSING","system":"sfcluster","itype":"docker","tag":[],"status":"PULLING","userACL":[],"groupACL":[],"ENV":"MISSING","ENTRY":"MISSING","WORKDIR":"MISSING","LABELS":"MISSING","last_pull":1795310637.256,"status_message":""}
2026-11-22T01:23:57 Pulling Image: docker:nosuch:1.0, status: PULLING
Message: {"id":"MISSING","system":"sfcluster","itype":"docker","tag":[],"status":"FAILURE","userACL":[],"groupACL":[],"ENV":"MISSING","ENTRY":"MISSING","WORKDIR":"MISSING","LABELS":"MISSING","last_pull":1795310637.256,"status_message":"FAILURE: could not pull docker:nosuch:1.0 from 127.0.0.1:5000/nosuch:1.0: manifest unknown"}
2026-11-22T01:23:58 Pulling Image: docker:nosuch:1.0, status: FAILURE

`;

/** `shifterimg -v --user=sfuser pull docker:127.0.0.1:5000/myorg/workflow:1.2`. */
export const PULL_READY_VERBOSE = `Message: {"id":"MISSING","system":"sfcluster","itype":"docker","tag":[],"status":"PENDING","userACL":[5000,0],"groupACL":[],"ENV":"MISSING","ENTRY":"MISSING","WORKDIR":"MISSING","LABELS":"MISSING","last_pull":1795310647.682,"status_message":""}
Message: {"id":"MISSING","system":"sfcluster","itype":"docker","tag":[],"status":"PULLING","userACL":[5000,0],"groupACL":[],"ENV":"MISSING","ENTRY":"MISSING","WORKDIR":"MISSING","LABELS":"MISSING","last_pull":1795310647.682,"status_message":""}
2026-11-22T01:24:08 Pulling Image: docker:127.0.0.1:5000/myorg/workflow:1.2, status: PULLING
Message: {"id":"9549196da778b4fc830d8321977087854d2c95bb5d3fbb748baefcf695e982f2","system":"sfcluster","itype":"docker","tag":["127.0.0.1:5000/myorg/workflow:1.2"],"status":"READY","userACL":[5000,0],"groupACL":[],"ENV":["PATH=/usr/local/bin:/usr/bin:/bin"],"ENTRY":"/bin/echo entrypoint-ran","WORKDIR":"/srv/workdir","LABELS":{},"last_pull":1795310648.588,"status_message":""}
2026-11-22T01:24:08 Pulling Image: docker:127.0.0.1:5000/myorg/workflow:1.2, status: READY

`;

export const WORKFLOW_ID = '9549196da778b4fc830d8321977087854d2c95bb5d3fbb748baefcf695e982f2';
export const HELLO_ID = 'f316a24dcde7ffa6ca094940bd2b9657c2e1f126f5352ceee3476b4f4ebbdd13';

/** `shifterimg -v lookup docker:127.0.0.1:5000/myorg/workflow:1.2`. */
export const LOOKUP_VERBOSE = `Message: {"id":"${WORKFLOW_ID}","system":"sfcluster","itype":"docker","tag":["127.0.0.1:5000/myorg/workflow:1.2"],"status":"READY"}
${WORKFLOW_ID}
`;

/** `shifterimg -v lookup docker:nope:1` (exit 1). */
export const LOOKUP_UNKNOWN_VERBOSE = `Got response: 404
Message: {"status":404,"error":"image not found","message":"Not Found: http://127.0.0.1:34237/api/lookup/sfcluster/docker/nope%3A1/"}
`;

export const GATEWAY_DOWN = 'ERROR: failed to contact the image gateway.\n';

/** `shifterimg images`: printf("%-10s %-10s %-8s %-.10s   %s %-30s\n", ...). */
export const IMAGES = `sfcluster  docker     READY    9549196da7   2026-11-22T01:24:08 127.0.0.1:5000/myorg/workflow:1.2
sfcluster  docker     READY    f316a24dcd   2026-11-22T01:24:07 hello:latest                  
sfcluster  docker     CONVERSION MISSING   2026-11-22T01:25:00 big/image:3                   
perlmutter-login docker     READY    0123456789   2026-01-02T03:04:05 ubuntu:22.04                  
sfcluster  custom     FAILURE     2026-11-22T01:26:00 thing:1                       
`;
