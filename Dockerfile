# The generator image for `greetbench kube-load` (a Kubernetes Indexed Job, one pod per shard).
#
#   ./greetbench --version                      # builds cli/target/greetbench.jar
#   docker build -t <registry>/greetbench:<tag> .
#   docker push <registry>/greetbench:<tag>
#
# The entrypoint is greetbench itself, so a pod's arguments are a greetbench command line
# (`load ... --shard N --start-at ... --json -`); Kubernetes gives each pod JOB_COMPLETION_INDEX.
# JDK 25: the epoll engine needs JDK 22+, and Netty wants the two flags below on JDK 23+.
FROM eclipse-temurin:25-jre
COPY cli/target/greetbench.jar /opt/greetbench/greetbench.jar
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", \
            "-jar", "/opt/greetbench/greetbench.jar"]
