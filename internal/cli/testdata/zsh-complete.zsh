# zsh-complete.zsh OUT SCRIPT LINE: types LINE and TAB into an interactive
# zsh (in a pseudo-terminal, zsh/zpty) that loaded the completion SCRIPT,
# and prints the words completion offered, sorted, space-separated. compadd
# is wrapped so that every match it adds is also written to OUT.
zmodload zsh/zpty
out=$1 script=$2 line=$3
rm -f $out
zpty z zsh -f -i
zpty -w z "PS1=''; autoload -Uz compinit; compinit -u -D; source $script"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) && print -l -- $__hits >> '$out'; builtin compadd "$@"; }'
zpty -w -n z "$line"$'\t'
# Wait for the first match (at most 20 s), then until no more come.
for i in {1..200}; do [[ -s $out ]] && break; sleep 0.1; done
size=-1
while [[ -s $out ]] && (( $(wc -c < $out) != size )); do size=$(wc -c < $out); sleep 0.3; done
zpty -d z
[[ -s $out ]] && sort -u $out | tr '\n' ' '
