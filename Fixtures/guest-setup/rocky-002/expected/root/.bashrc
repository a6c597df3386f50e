# .bashrc
