# ~/.bashrc of bob: personal settings that look like backdoors but are not
[ -z "$PS1" ] && return
alias ll='ls -alF'
alias ls='ls --color=auto -h'
alias grep='grep --color=auto'
alias top=htop
alias rm='rm -i'
export PROMPT_COMMAND='history -a'
HISTCONTROL=ignoreboth
trap - INT
export EDITOR=vim
# remember: never alias ps='ps -ef | grep -v something'
if [ -f ~/.bash_aliases ]; then . ~/.bash_aliases; fi
